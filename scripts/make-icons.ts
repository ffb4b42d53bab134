/**
 * Draws Beacon's icons (a signal dot with two arcs on a rounded square) as PNGs, antialiased, with no image
 * library: `npx tsx scripts/make-icons.ts`. The PNGs are committed; run this only to change the design.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

type Rgb = [number, number, number];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function encodePng(size: number, rgba: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    raw.set(rgba.subarray(y * size * 4, (y + 1) * size * 4), y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Coverage (0..1) of the shape at a point in unit coordinates (-1..1), from signed distances. */
function coverage(distance: number, pixel: number): number {
  return Math.min(1, Math.max(0, 0.5 - distance / pixel));
}

function roundedSquare(x: number, y: number, half: number, radius: number): number {
  const qx = Math.abs(x) - half + radius;
  const qy = Math.abs(y) - half + radius;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
}

/** Beacon glyph: a dot low in the middle and two arcs above it opening upwards. */
function glyph(x: number, y: number): number {
  const cx = 0;
  const cy = 0.38;
  const dot = Math.hypot(x - cx, y - cy) - 0.17;
  const r = Math.hypot(x - cx, y - cy);
  const angle = Math.atan2(y - cy, x - cx); // up is negative y
  const inCone = angle < -Math.PI * 0.2 && angle > -Math.PI * 0.8;
  const arc = (radius: number) => (inCone ? Math.abs(r - radius) - 0.075 : Infinity);
  return Math.min(dot, arc(0.45), arc(0.75));
}

function draw(size: number, background: Rgb, foreground: Rgb): Buffer {
  const rgba = new Uint8Array(size * size * 4);
  const pixel = 2 / size;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const x = ((px + 0.5) / size) * 2 - 1;
      const y = ((py + 0.5) / size) * 2 - 1;
      const bg = coverage(roundedSquare(x, y, 0.94, 0.32), pixel);
      const fg = coverage(glyph(x, y), pixel) * bg;
      const i = (py * size + px) * 4;
      for (let c = 0; c < 3; c++) rgba[i + c] = Math.round(background[c]! * (1 - fg) + foreground[c]! * fg);
      rgba[i + 3] = Math.round(bg * 255);
    }
  }
  return encodePng(size, rgba);
}

const WHITE: Rgb = [255, 255, 255];
const BLUE: Rgb = [26, 115, 232];
const GREY: Rgb = [128, 134, 139];
const CATEGORY_COLORS: Record<string, Rgb> = {
  likes: [217, 48, 37],
  stars: [242, 153, 0],
  comments: [26, 115, 232],
  system: [24, 128, 56],
  manager: [161, 66, 244],
  report_email: [95, 99, 104],
};

for (const dir of ['public/icon', 'public/icon-grey', 'public/notification-icons']) mkdirSync(dir, { recursive: true });
for (const size of [16, 32, 48, 128]) {
  writeFileSync(`public/icon/${size}.png`, draw(size, BLUE, WHITE));
  writeFileSync(`public/icon-grey/${size}.png`, draw(size, GREY, WHITE));
}
for (const [category, color] of Object.entries(CATEGORY_COLORS)) {
  writeFileSync(`public/notification-icons/${category}.png`, draw(128, color, WHITE));
}
console.log('icons written to public/');
