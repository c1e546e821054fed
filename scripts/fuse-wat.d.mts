/** See fuse-wat.mjs. */
export function fuseMultiplyAdds(text: string): { text: string; count: number };
