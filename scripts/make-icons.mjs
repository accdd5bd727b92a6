/**
 * Draws the tray icons (16 and 32 px, one per state) and the app icon (PNG 256 px and a
 * multi-size .ico) with no image library: shapes are sampled 4×4 per pixel for smooth edges and
 * written as PNG with node:zlib. Each state has its own colour and its own mark, so it reads
 * without colour too: idle ● green, running ▶ blue, failure ! red, paused ❚❚ grey.
 * Run `node scripts/make-icons.mjs`; the output is committed under resources/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const SAMPLES = 4;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** RGBA pixels (size × size × 4) to a PNG file. */
function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y += 1) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * Paints layers onto a size × size canvas. A layer is [colour, inside(x, y)] with x, y in 0..1;
 * later layers cover earlier ones.
 */
function paint(size, layers) {
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      let [r, g, b, a] = [0, 0, 0, 0];
      for (const [colour, inside] of layers) {
        let hits = 0;
        for (let sy = 0; sy < SAMPLES; sy += 1) {
          for (let sx = 0; sx < SAMPLES; sx += 1) {
            if (inside((px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size)) hits += 1;
          }
        }
        const cover = hits / (SAMPLES * SAMPLES);
        if (cover === 0) continue;
        const outA = cover + a * (1 - cover);
        r = (colour[0] * cover + r * a * (1 - cover)) / outA;
        g = (colour[1] * cover + g * a * (1 - cover)) / outA;
        b = (colour[2] * cover + b * a * (1 - cover)) / outA;
        a = outA;
      }
      const at = (py * size + px) * 4;
      rgba[at] = Math.round(r);
      rgba[at + 1] = Math.round(g);
      rgba[at + 2] = Math.round(b);
      rgba[at + 3] = Math.round(a * 255);
    }
  }
  return rgba;
}

const circle = (cx, cy, radius) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
const rect = (x0, y0, x1, y1) => (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
const triangle = (x, y) => x >= 0.38 && x <= 0.7 && Math.abs(y - 0.5) <= (0.7 - x) * 0.62;
const either = (...shapes) => (x, y) => shapes.some((shape) => shape(x, y));
const WHITE = [255, 255, 255];
const disc = circle(0.5, 0.5, 0.46);

const STATES = {
  idle: [[46, 157, 79], disc, []],
  running: [[47, 111, 214], disc, [[WHITE, triangle]]],
  failure: [[217, 54, 54], disc, [[WHITE, either(rect(0.43, 0.2, 0.57, 0.58), circle(0.5, 0.74, 0.08))]]],
  paused: [[128, 134, 143], disc, [[WHITE, either(rect(0.33, 0.28, 0.44, 0.72), rect(0.56, 0.28, 0.67, 0.72))]]],
};

const trayDir = path.join(root, 'resources', 'tray');
mkdirSync(trayDir, { recursive: true });
for (const [state, [colour, shape, marks]] of Object.entries(STATES)) {
  const layers = [[colour, shape], ...marks];
  writeFileSync(path.join(trayDir, `${state}.png`), encodePng(16, paint(16, layers)));
  writeFileSync(path.join(trayDir, `${state}@2x.png`), encodePng(32, paint(32, layers)));
}

/** The app icon: a rounded navy tile with an amber light. */
const appLayers = [
  [[27, 42, 74], (x, y) => {
    const r = 0.2;
    const dx = Math.max(0.04 + r - x, 0, x - (0.96 - r));
    const dy = Math.max(0.04 + r - y, 0, y - (0.96 - r));
    return dx * dx + dy * dy <= r * r;
  }],
  [[255, 196, 61], circle(0.5, 0.5, 0.27)],
  [[255, 232, 168], circle(0.44, 0.44, 0.09)],
];
const appPngs = [256, 48, 32, 16].map((size) => [size, encodePng(size, paint(size, appLayers))]);
writeFileSync(path.join(root, 'resources', 'icon.png'), appPngs[0][1]);

/** An .ico holding PNG images (Windows Vista and later read these; 256 px is written as 0). */
const dir = Buffer.alloc(6 + 16 * appPngs.length);
dir.writeUInt16LE(0, 0);
dir.writeUInt16LE(1, 2);
dir.writeUInt16LE(appPngs.length, 4);
let offset = dir.length;
appPngs.forEach(([size, png], i) => {
  const at = 6 + 16 * i;
  dir[at] = size >= 256 ? 0 : size;
  dir[at + 1] = size >= 256 ? 0 : size;
  dir.writeUInt16LE(1, at + 4); // colour planes
  dir.writeUInt16LE(32, at + 6); // bits per pixel
  dir.writeUInt32LE(png.length, at + 8);
  dir.writeUInt32LE(offset, at + 12);
  offset += png.length;
});
writeFileSync(path.join(root, 'resources', 'icon.ico'), Buffer.concat([dir, ...appPngs.map(([, png]) => png)]));
