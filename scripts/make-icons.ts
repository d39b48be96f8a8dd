/**
 * Draws the Teams app icons (appPackage/color.png, appPackage/outline.png) and writes them as PNG files with
 * nothing but node:zlib: a shield with a keyhole, PIM Bot's mark.
 *
 *   npx tsx scripts/make-icons.ts
 *
 * The PNGs are committed; run this again only to change the drawing. Teams wants the colour icon at 192×192
 * (full colour) and the outline icon at 32×32, white on a transparent background.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deflateSync, inflateSync } from 'node:zlib';

/** The app's accent colour (manifest accentColor) and the colour icon's background. */
export const ACCENT_COLOR = '#3B4FC4';
export const COLOR_ICON_SIZE = 192;
export const OUTLINE_ICON_SIZE = 32;

export interface RgbaImage {
  width: number;
  height: number;
  /** width × height × 4 bytes: red, green, blue, alpha, row by row from the top. */
  data: Uint8Array;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 as PNG (and zip) use it: polynomial 0xEDB88320, initial and final XOR 0xFFFFFFFF. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, body: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

/** An 8-bit RGBA PNG (colour type 6), every row with filter 0. */
export function encodePng(image: RgbaImage): Buffer {
  const { width, height, data } = image;
  if (data.length !== width * height * 4) throw new Error('encodePng: data is not width × height × 4 bytes');
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: truecolour with alpha
  // compression, filter and interlace methods: 0 (the only ones PNG defines, no interlace)
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0;
    raw.set(data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * Decodes an 8-bit, non-interlaced RGBA or RGB PNG (any row filter) into RGBA. Enough to check the icons
 * this script and other tools write; other PNG flavours are refused with a message.
 */
export function decodePng(png: Uint8Array): RgbaImage {
  const buf = Buffer.from(png);
  if (!buf.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG file (bad signature)');
  let offset = 8;
  let width = 0;
  let height = 0;
  let colorType = -1;
  const idat: Buffer[] = [];
  while (offset + 8 <= buf.length) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString('latin1', offset + 4, offset + 8);
    const body = buf.subarray(offset + 8, offset + 8 + length);
    if (buf.readUInt32BE(offset + 8 + length) !== crc32(buf.subarray(offset + 4, offset + 8 + length))) {
      throw new Error(`PNG chunk ${type} has a bad CRC`);
    }
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      colorType = body[9]!;
      if (body[8] !== 8 || body[12] !== 0 || (colorType !== 6 && colorType !== 2)) {
        throw new Error('decodePng reads only 8-bit, non-interlaced RGB or RGBA PNGs');
      }
    } else if (type === 'IDAT') {
      idat.push(body);
    } else if (type === 'IEND') {
      break;
    }
    offset += 12 + length;
  }
  const channels = colorType === 6 ? 4 : 3;
  const stride = width * channels;
  const raw = inflateSync(Buffer.concat(idat));
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const left = x >= channels ? pixels[y * stride + x - channels]! : 0;
      const up = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const upLeft = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels]! : 0;
      const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter];
      if (predictor === undefined) throw new Error(`PNG row ${y} has unknown filter ${filter}`);
      pixels[y * stride + x] = (row[x]! + predictor) & 0xff;
    }
  }
  if (channels === 4) return { width, height, data: pixels };
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    data.set(pixels.subarray(i * 3, i * 3 + 3), i * 4);
    data[i * 4 + 3] = 255;
  }
  return { width, height, data };
}

/**
 * The mark in unit coordinates (0..1 across and down): a heater shield with rounded top corners, straight
 * sides and a pointed foot, with a keyhole cut out of it.
 */
function inShield(u: number, v: number): boolean {
  const top = 0.14;
  const shoulder = 0.5;
  const tip = 0.9;
  const half = 0.34;
  const corner = 0.07;
  const dx = Math.abs(u - 0.5);
  if (v < top || v > tip) return false;
  if (v < top + corner && dx > half - corner) {
    return Math.hypot(dx - (half - corner), v - (top + corner)) <= corner;
  }
  if (v <= shoulder) return dx <= half;
  const t = (v - shoulder) / (tip - shoulder);
  return dx <= half * (1 - t * t);
}

function inKeyhole(u: number, v: number): boolean {
  if (Math.hypot(u - 0.5, v - 0.42) <= 0.09) return true;
  const top = 0.45;
  const bottom = 0.68;
  if (v < top || v > bottom) return false;
  const t = (v - top) / (bottom - top);
  return Math.abs(u - 0.5) <= 0.035 + 0.03 * t;
}

/** How much of the pixel the keyed shield covers, from 4×4 samples (smooth edges at any size). */
function coverage(x: number, y: number, size: number): number {
  const n = 4;
  let inside = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const u = (x + (i + 0.5) / n) / size;
      const v = (y + (j + 0.5) / n) / size;
      if (inShield(u, v) && !inKeyhole(u, v)) inside++;
    }
  }
  return inside / (n * n);
}

function hexToRgb(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [Number.parseInt(m[1]!, 16), Number.parseInt(m[2]!, 16), Number.parseInt(m[3]!, 16)];
}

/** 192×192: the white shield on a full-bleed accent-colour square (the keyhole shows the accent colour). */
export function drawColorIcon(size = COLOR_ICON_SIZE, accent = ACCENT_COLOR): RgbaImage {
  const [r, g, b] = hexToRgb(accent);
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const c = coverage(x, y, size);
      const i = (y * size + x) * 4;
      data[i] = Math.round(r + (255 - r) * c);
      data[i + 1] = Math.round(g + (255 - g) * c);
      data[i + 2] = Math.round(b + (255 - b) * c);
      data[i + 3] = 255;
    }
  }
  return { width: size, height: size, data };
}

/** 32×32: the shield in white, everything else (and the keyhole) transparent; edges by alpha only. */
export function drawOutlineIcon(size = OUTLINE_ICON_SIZE): RgbaImage {
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      data.fill(255, i, i + 3);
      data[i + 3] = Math.round(255 * coverage(x, y, size));
    }
  }
  return { width: size, height: size, data };
}

function main(): void {
  const dir = join(fileURLToPath(new URL('..', import.meta.url)), 'appPackage');
  const color = encodePng(drawColorIcon());
  const outline = encodePng(drawOutlineIcon());
  writeFileSync(join(dir, 'color.png'), color);
  writeFileSync(join(dir, 'outline.png'), outline);
  process.stdout.write(
    `Wrote appPackage/color.png (${COLOR_ICON_SIZE}×${COLOR_ICON_SIZE}, ${color.length} bytes) and appPackage/outline.png (${OUTLINE_ICON_SIZE}×${OUTLINE_ICON_SIZE}, ${outline.length} bytes).\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
