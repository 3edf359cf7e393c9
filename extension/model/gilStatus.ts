// What the GIL status bar item says while an ftpy session runs: pure, so it is testable without VS Code.
import type { GilChange } from '../../debug-adapter/protocol';

export interface GilStatus {
  text: string;
  /** The GIL came back on while the program ran: shown as a warning. */
  warning: boolean;
  tooltip: string;
  /** What the click shows: what happened and what to do. */
  explanation: string;
}

/** '3.13.5' -> '3.13t' (ftpy only runs free-threaded builds). */
export function pythonLabel(version: string): string {
  const [major, minor] = version.split('.');
  return minor === undefined ? `${version}t` : `${major}.${minor}t`;
}

export function gilStatus(version: string, gilEnabled: boolean, changes: readonly GilChange[]): GilStatus {
  const label = pythonLabel(version);
  const latest = [...changes].reverse();
  const reenabled = latest.find((change) => change.enabled);
  const forcedOff = latest.find((change) => change.forcedOff);
  if (!gilEnabled && forcedOff) {
    const culprit = forcedOff.module ?? 'an extension module';
    return {
      text: `${label} · GIL off (forced for ${culprit})`,
      warning: true,
      tooltip: `${culprit} asked for the GIL${importedAt(forcedOff)}; the launch configuration keeps it off. Click for details.`,
      explanation:
        `Importing ${culprit}${importedAt(forcedOff)} would have turned the GIL back on: it is a C extension module that does not declare ` +
        'that it supports running without the GIL. ftpy runs the program with "gil": "off" (-X gil=0), so the GIL stayed off and the module ' +
        'now runs without the lock it expects: data races in it can crash the program or corrupt data. What to do: if you are not sure the ' +
        'module is thread-safe, use a build of it made for free-threaded Python (a cp313t wheel), or set "gil": "default" in the launch configuration.',
    };
  }
  if (!gilEnabled) {
    return {
      text: `${label} · GIL off`,
      warning: false,
      tooltip: `Python ${version} (free-threaded): the GIL is off, threads run Python code in parallel.`,
      explanation: `Python ${version} runs free-threaded: the GIL is off and threads run Python code in parallel on different cores.`,
    };
  }
  if (!reenabled) {
    return {
      text: `${label} · GIL on`,
      warning: false,
      tooltip: `Python ${version} (free-threaded build) runs with the GIL on since it started.`,
      explanation:
        `This free-threaded Python ${version} was started with the GIL on ("gil": "on" in the launch configuration, -X gil=1 or PYTHON_GIL=1), ` +
        'so only one thread runs Python code at a time. Set "gil": "off" in the launch configuration to run threads in parallel.',
    };
  }
  const culprit = reenabled.module ?? 'an extension module';
  const when = new Date(reenabled.time).toLocaleTimeString();
  return {
    text: `GIL on (re-enabled by ${culprit})`,
    warning: true,
    tooltip: `At ${when} importing ${culprit} turned the GIL back on: threads no longer run Python code in parallel. Click for details.`,
    explanation:
      `At ${when}, importing ${culprit}${importedAt(reenabled)} turned the GIL back on for the whole process: it is a C extension module that does not declare ` +
      'that it supports running without the GIL (Py_mod_gil = Py_MOD_GIL_NOT_USED), so CPython re-enabled the GIL to protect it, ' +
      'and from then on only one thread runs Python code at a time. What to do: install a build of the module made for free-threaded ' +
      'Python (a cp313t wheel) or ask its maintainers for one; or, if you know the module is thread-safe, keep the GIL off anyway with ' +
      '"gil": "off" in the launch configuration (-X gil=0, PYTHON_GIL=0).',
  };
}

function importedAt(change: GilChange): string {
  return change.importer ? ` (imported at ${change.importer})` : '';
}
