import { setFlagsFromString } from 'node:v8';

/**
 * A smaller inlining budget for V8's optimising compiler, for this process only (replay is a batch
 * job of its own; the gateway keeps V8's defaults). By default each optimised function takes in up
 * to 920 bytes of bytecode of the functions it calls; the engine's per-event path is a few dozen
 * small functions calling each other, so every hot function was compiled again and again inside
 * each of its callers, and after each deoptimisation the whole inlined tree was compiled afresh.
 * On one core that compiling is the replay's own time: a third of a replay of the default
 * simulation under `perf`. With 500 bytes, callgrind counts 7 % fewer instructions for that
 * replay (85,000 events) and 1.5 % more for a million events, where the steady state, with less
 * inlined, does a little more per event (300 bytes: −9 % and +3.5 %); see
 * docs/detection.md, "Throughput". The flag is read whenever a function is compiled, so setting
 * it before the first event takes effect for the whole run; it changes what is compiled, never
 * what the code does. The loader of the bundled command sets it before compiling the bundle too,
 * so that its code cache, made with the flag set, is accepted (V8 checks the flags it was made with).
 */
export function tuneCompiler(): void {
  setFlagsFromString('--max-inlined-bytecode-size-cumulative=500');
}
