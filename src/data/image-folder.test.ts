import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readImageFolder, zipFiles, type DecodeImage, type FolderFile } from './image-folder.ts';

const encoder = new TextEncoder();

/** A fake image: its bytes are "width×height:grey", decoded to opaque RGBA of that grey. */
const image = (width: number, height: number, grey: number) => encoder.encode(`${width}×${height}:${grey}`);

const decode: DecodeImage = async (bytes) => {
  const text = new TextDecoder().decode(bytes instanceof Uint8Array ? bytes : new Uint8Array(await bytes.arrayBuffer()));
  const match = /^(\d+)×(\d+):(\d+)$/.exec(text);
  if (!match) throw new Error('not an image');
  const [width, height, grey] = match.slice(1).map(Number);
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([grey, grey, grey, 255], i * 4);
  return { width, height, data };
};

const file = (path: string, bytes: Uint8Array): FolderFile => ({ path, read: () => Promise.resolve(bytes) });

/** `perClass` images of 8×8 in each class, the grey value encoding class and index. */
function folder(classes: string[], perClass: number, root = 'shapes'): FolderFile[] {
  return classes.flatMap((name, c) => Array.from({ length: perClass }, (_, i) => file(`${root}/${name}/${i}.png`, image(8, 8, c * 50 + i))));
}

const options = { name: 'shapes', side: 4, testFraction: 0.25, seed: 1 };

describe('readImageFolder', () => {
  it('makes one class per subfolder, sorted by name, and resizes each image to the chosen side', async () => {
    const set = await readImageFolder(folder(['square', 'circle'], 8), decode, options);
    expect(set.classNames).toEqual(['circle', 'square']);
    expect([set.height, set.width, set.train.inputSize]).toEqual([4, 4, 16]);
    expect([set.train.count, set.test.count]).toEqual([12, 4]);
    // Every pixel of a uniform image keeps its grey after area resampling; grey < 50 is "square" (folder 0 → label 1).
    for (const data of [set.train, set.test]) {
      for (let i = 0; i < data.count; i++) {
        const grey = data.images[i * 16];
        expect(data.images.subarray(i * 16, (i + 1) * 16).every((v) => v === grey)).toBe(true);
        expect(data.labels[i]).toBe(grey < 50 ? 1 : 0);
      }
    }
  });

  it('splits each class by the fraction, the same way for the same seed and differently for another', async () => {
    const greys = async (seed: number) => [...(await readImageFolder(folder(['a', 'b'], 8), decode, { ...options, seed })).test.images.filter((_, i) => i % 16 === 0)];
    const first = await greys(1);
    expect(first.filter((g) => g < 50)).toHaveLength(2);
    expect(first.filter((g) => g >= 50)).toHaveLength(2);
    expect(await greys(1)).toEqual(first);
    expect(await greys(2)).not.toEqual(first);
  });

  it('makes colour greyscale by luminance, with transparent pixels as background', async () => {
    const colour: DecodeImage = () => Promise.resolve({ width: 2, height: 1, data: [255, 0, 0, 255, 255, 255, 255, 0] });
    const set = await readImageFolder(folder(['a', 'b'], 2), colour, { ...options, side: 4, testFraction: 0.5 });
    // Red is 0.299 of white; the transparent half is black: each row is 76, 76, 0, 0.
    expect([...set.train.images.subarray(0, 4)]).toEqual([76, 76, 0, 0]);
  });

  it('names an image of another size, an empty class folder, an undecodable file and a lone image', async () => {
    const files = folder(['a', 'b'], 3);
    files[4] = file('shapes/b/1.png', image(9, 8, 1));
    await expect(readImageFolder(files, decode, options)).rejects.toThrow(
      'shapes/b/1.png: 9×8 pixels, but shapes/a/0.png is 8×8; every image of a folder must be the same size',
    );
    const empty = [...folder(['a', 'b'], 3), file('shapes/c/notes.txt', encoder.encode('hi'))];
    await expect(readImageFolder(empty, decode, options)).rejects.toThrow('c/: empty class folder (no PNG or JPEG images)');
    const broken = [...folder(['a', 'b'], 3), file('shapes/b/bad.png', encoder.encode('junk'))];
    await expect(readImageFolder(broken, decode, options)).rejects.toThrow('shapes/b/bad.png: cannot be decoded as a PNG or JPEG image (not an image)');
    const lone = [...folder(['a', 'b'], 3, 'x').map((f) => ({ ...f, path: f.path.slice(2) })), file('top.png', image(8, 8, 0))];
    await expect(readImageFolder(lone, decode, options)).rejects.toThrow(/^top\.png: an image outside any class folder/);
  });

  it('says how large a folder too large for memory would be, before decoding anything', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => file(`s/${i % 2 ? 'a' : 'b'}/${i}.png`, image(8, 8, 0)));
    const never: DecodeImage = () => Promise.reject(new Error('decoded'));
    await expect(readImageFolder(many, never, { ...options, side: 256 })).rejects.toThrow(
      'shapes: too large for memory: 10000 images of 256×256 need 625.0 MB, more than the 512.0 MB a dataset may hold',
    );
  });

  it('reads a zip, noticing an empty class folder that only a zip can hold', async () => {
    const entries = Object.fromEntries(folder(['a', 'b'], 4, 'set').map((f, i) => [f.path, image(8, 8, i)]));
    const set = await readImageFolder(zipFiles(zipSync(entries), 'set.zip'), decode, options);
    expect(set.classNames).toEqual(['a', 'b']);
    expect(set.train.count + set.test.count).toBe(8);
    const withEmpty = zipSync({ ...entries, 'set/c/': new Uint8Array(0) });
    await expect(readImageFolder(zipFiles(withEmpty, 'set.zip'), decode, options)).rejects.toThrow('c/: empty class folder');
    expect(() => zipFiles(encoder.encode('not a zip'), 'set.zip')).toThrow(/^set\.zip: not a readable zip file/);
  });
});

describe('zipFiles', () => {
  /** A zip of three small files whose headers claim `claimed` bytes each once unpacked, as a zip bomb's do. */
  function claiming(claimed: number): Uint8Array {
    const zip = zipSync({ 'a/1.png': new Uint8Array(100), 'a/2.png': new Uint8Array(100), 'b/3.png': new Uint8Array(100) });
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    for (let at = 0; at + 4 <= zip.length; at++) {
      if (view.getUint32(at, true) === 0x02014b50) view.setUint32(at + 24, claimed, true);
      if (view.getUint32(at, true) === 0x04034b50) view.setUint32(at + 22, claimed, true);
    }
    return zip;
  }

  it('refuses a zip whose files would unpack to more than a set may hold, before unpacking them', () => {
    expect(() => zipFiles(claiming(2 ** 30), 'bomb.zip')).toThrow('bomb.zip: too large for memory: its files unpack to more than the 512.0 MB a dataset may hold');
    expect(zipFiles(claiming(100), 'small.zip')).toHaveLength(3);
  });
});
