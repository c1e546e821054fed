/**
 * A kernel module compiled from its base64 bytes, or null where WebAssembly or its SIMD
 * instructions are missing (the module then fails to validate, and the caller takes its
 * TypeScript path). Compiled synchronously: the modules are small, and Node and workers
 * allow it. Each kernel file keeps its module in a variable of its own, filled on first
 * use: a call at module level would be a side effect the bundler must keep, which split
 * the page's code into one more chunk.
 */
export function compileKernels(base64: string): WebAssembly.Module | null {
  allowRelaxedSimdInNode();
  try {
    return new WebAssembly.Module(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}

/**
 * Node 20 keeps relaxed SIMD (the fused kernels' multiply-add) behind a V8 flag that
 * Chromium turned on by default in version 114: setting it before the first compile lets
 * the CLI run the kernels the page runs, so both train to the same bits. Found through
 * `process.getBuiltinModule`, not an import, so the engine stays free of Node for the page.
 */
let relaxedSimdAllowed = false;
function allowRelaxedSimdInNode(): void {
  if (relaxedSimdAllowed) return;
  relaxedSimdAllowed = true;
  const node = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const v8 = node?.getBuiltinModule?.('node:v8') as { setFlagsFromString(flags: string): void } | undefined;
  v8?.setFlagsFromString('--experimental-wasm-relaxed-simd');
}
