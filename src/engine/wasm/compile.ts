/**
 * A getter for a kernel module compiled from its base64 bytes on first use, or null
 * where WebAssembly or its SIMD instructions are missing (the module then fails to
 * validate, and the caller takes its TypeScript path). Compiled synchronously: the
 * modules are small, and Node and workers allow it.
 */
export function compiledOnce(base64: string): () => WebAssembly.Module | null {
  let compiled: WebAssembly.Module | null | undefined;
  return () => {
    if (compiled === undefined) {
      try {
        compiled = new WebAssembly.Module(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
      } catch {
        compiled = null;
      }
    }
    return compiled;
  };
}
