import { readdir, readFile } from 'node:fs/promises';

/**
 * Signals everything a terminal started. A terminal's program leads its own session (node-pty
 * calls `setsid`), and a shell with job control moves each job into a process group of its own
 * within that session: signalling the shell's group alone would leave `sleep 1000 &` running.
 * On Linux every group of the session is found in `/proc`; elsewhere the leader's group is what
 * can be reached. Processes that left the session on purpose (`setsid`, daemons) are left alone.
 */
export async function signalSession(leader: number, signal: NodeJS.Signals): Promise<void> {
  const groups = new Set([leader, ...(await sessionGroups(leader))]);
  for (const group of groups) {
    try {
      process.kill(-group, signal);
    } catch {
      // Already gone (or never a group leader's id).
    }
  }
}

/** The process groups of the session `sid` (Linux; empty elsewhere or when /proc is unreadable). */
async function sessionGroups(sid: number): Promise<number[]> {
  if (process.platform !== 'linux') return [];
  const entries = await readdir('/proc').catch(() => [] as string[]);
  const groups: number[] = [];
  await Promise.all(
    entries
      .filter((entry) => /^\d+$/.test(entry))
      .map(async (pid) => {
        const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
        // `pid (comm) state ppid pgrp session ...`; comm may hold spaces and parentheses.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(fields[3]) === sid) groups.push(Number(fields[2]));
      }),
  );
  return groups;
}
