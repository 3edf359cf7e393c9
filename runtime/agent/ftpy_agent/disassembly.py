"""DAP `disassemble` for live code objects, and the instruction addresses frames point at.

Address format (what `instructionPointerReference` and `memoryReference` hold): a hex number
`0xHHHHHHHHOOOOOOOO` whose high 32 bits are a small number this agent gives each code object
it reports (1, 2, ...) and whose low 32 bits are a byte offset into that code object's bytecode
(what `dis` calls an instruction's offset). So every instruction of a running program has one
address, addresses grow with offsets inside a code object, and the client (which parses them
as integers) can page through one function with instruction offsets. Addresses outside a code
object's instructions are answered with "invalid" placeholders, as DAP asks. Instruction
breakpoints name their instruction the same way.
"""

import threading

_OFFSET_BITS = 32
_OFFSET_MASK = (1 << _OFFSET_BITS) - 1
_INSTRUCTION_SIZE = 2  # bytes of one code unit: the step between placeholder addresses


class CodeAddresses:
    """Numbers code objects for addresses; keeps the numbered ones alive while the session lasts."""

    def __init__(self):
        self._lock = threading.Lock()
        self._numbers = {}  # id(code) -> number
        self._codes = {}  # number -> code

    def address(self, code, offset):
        """The address string of the instruction at byte `offset` of `code`."""
        number = self._numbers.get(id(code))
        if number is None:
            with self._lock:
                number = self._numbers.get(id(code))
                if number is None:
                    number = len(self._codes) + 1
                    self._codes[number] = code  # holding it keeps id(code) from being reused
                    self._numbers[id(code)] = number
        return _format((number << _OFFSET_BITS) | max(offset, 0))

    def locate(self, memory_reference, offset=0):
        """(code, byte offset) of an address this agent gave out."""
        try:
            address = int(memory_reference, 16) + offset
        except ValueError:
            raise LookupError(f"{memory_reference} is not an address of ftpy's disassembly.") from None
        code = self._codes.get(address >> _OFFSET_BITS)
        if code is None:
            raise LookupError(f"{memory_reference} is not an address of a code object this program ran.")
        return code, address & _OFFSET_MASK

    def disassemble(self, memory_reference, offset, instruction_offset, count, source_of):
        """`count` instructions starting `instruction_offset` instructions from the reference
        (plus `offset` bytes); `source_of(filename)` gives a DAP source for a file name."""
        code, byte_offset = self.locate(memory_reference, offset)
        import dis  # here: the listing is asked for rarely, and importing dis costs a program's start ~10 ms

        instructions = [i for i in dis.get_instructions(code) if i.opname != "CACHE"]
        start = next((index for index, i in enumerate(instructions) if i.offset >= byte_offset), len(instructions))
        first = start + instruction_offset
        base = self._numbers[id(code)] << _OFFSET_BITS
        source = source_of(code.co_filename)
        answer = []
        for index in range(first, first + count):
            if 0 <= index < len(instructions):
                answer.append(_instruction(base, code, instructions[index], source, index == 0))
            else:
                answer.append(_placeholder(base, instructions, index))
        return answer


def _format(address):
    return f"0x{address:016x}"


def _instruction(base, code, instruction, source, first):
    entry = {
        "address": _format(base + instruction.offset),
        "instructionBytes": f"{instruction.opcode:02x} {(instruction.arg or 0) & 0xFF:02x}",
        "instruction": f"{instruction.opname} {instruction.argrepr}".rstrip() if instruction.argrepr else _with_arg(instruction),
    }
    if first:
        entry["symbol"] = code.co_qualname
    positions = instruction.positions
    line = positions.lineno if positions is not None else None
    if line is not None:
        entry["location"] = source
        entry["line"] = line
        if positions.end_lineno is not None:
            entry["endLine"] = positions.end_lineno
        if positions.col_offset is not None:
            entry["column"] = positions.col_offset + 1
        if positions.end_col_offset is not None:
            entry["endColumn"] = positions.end_col_offset + 1
    return entry


def _with_arg(instruction):
    return instruction.opname if instruction.arg is None else f"{instruction.opname} {instruction.arg}"


def _placeholder(base, instructions, index):
    """An 'invalid' entry before the first or after the last instruction, at an address that
    continues the code object's addresses, so the client keeps them in order."""
    if index < 0:
        offset = index * _INSTRUCTION_SIZE
    else:
        end = instructions[-1].offset + _INSTRUCTION_SIZE if instructions else 0
        offset = end + (index - len(instructions)) * _INSTRUCTION_SIZE
    return {"address": _format(base + offset), "instruction": "", "presentationHint": "invalid"}


def frame_offset(frame):
    """The byte offset of the instruction a frame is executing (or, for a caller, its call)."""
    return max(frame.f_lasti, 0)

