/**
 * A kernel module compiled from its base64 bytes, or null where WebAssembly or its SIMD
 * instructions are missing (the module then fails to validate, and the caller takes its
 * TypeScript path). Compiled synchronously: the modules are small, and Node and workers
 * allow it. Each kernel file keeps its module in a variable of its own, filled on first
 * use: a call at module level would be a side effect the bundler must keep, which split
 * the page's code into one more chunk.
 */
export function compileKernels(base64: string): WebAssembly.Module | null {
  try {
    return new WebAssembly.Module(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}
