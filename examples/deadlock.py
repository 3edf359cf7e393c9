"""Two threads take the same two locks in opposite orders: a deadlock (AB-BA).

`transfer` holds `accounts` and waits for `audit_log`; `audit` holds `audit_log` and waits
for `accounts`. Neither can go on. Debug it with ftpy and pause: every thread is shown
blocked in lock.acquire, with its stack, even though no Python code is running.
"""

import threading
import time

accounts = threading.Lock()
audit_log = threading.Lock()


def transfer(amount):
    with accounts:
        balance = amount * 2
        time.sleep(0.2)  # long enough for audit() to take audit_log
        with audit_log:
            print(f"transferred {balance}")


def audit():
    with audit_log:
        time.sleep(0.2)
        with accounts:
            print("audited")


def main():
    workers = [
        threading.Thread(target=transfer, args=(50,), name="transfer"),
        threading.Thread(target=audit, name="audit"),
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


if __name__ == "__main__":
    main()
