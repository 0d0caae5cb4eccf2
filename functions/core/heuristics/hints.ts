/** The runbook's correlation guidance (codex-pooler-monitoring.md, "Read the dashboard as a correlation view"). */
export const HINTS = {
  binary: 'inspect streaming response retention, file bodies, and upstream transport buffering',
  nonBeam: "look outside normal BEAM heap attribution (NIFs, allocator fragmentation, mmap'd files, ports)",
  processes: 'inspect stuck request processes, websocket ownership, and overloaded route classes',
  sampler: "the memory sampler's logs now hold a sanitized snapshot for this pod: read them",
  pageCache: 'page cache is reclaimed before an OOM kill: watch RSS, not the working set',
  memory:
    "compare BEAM binary, processes and ETS memory with cgroup memory not explained by BEAM total; the memory sampler's logs hold a sanitized snapshot for this pod",
  ets: 'find the ETS tables that grow: the memory sampler logs the top ETS tables by memory (never their contents)',
  processHeap: 'find the processes that hold the memory: the memory sampler logs the top processes by memory and message queue length',
  atoms: 'atoms are never garbage-collected: look for atoms created from request data (String.to_atom/1, binary_to_atom); the VM aborts when the table is full',
  restarts: 'read the previous container logs (kubectl logs --previous) and the last terminated reason',
  oomKilled:
    "the pod was OOM-killed: the memory sampler's logs hold the last sanitized snapshot before the kill; compare BEAM memory with cgroup memory before the restart",
  admission: 'inspect stuck request processes, websocket ownership, and overloaded route classes; check upstream latency and admission limits',
  http: 'find the route classes and status codes behind it; inspect stuck request processes and overloaded route classes',
  db: 'check DB pool size and slow queries by safe source and SQL command; queue time means requests wait for a connection',
  dbUnknown: 'add a safe query source to the Ecto calls that lack one so hot queries can be attributed',
} as const;
