import zlib from 'node:zlib';

// ── A small PDF reader, enough for what pdfkit writes: objects, Flate streams, Type0 fonts with
// their ToUnicode CMaps, and the text shown by Tj/TJ on each page, one line per BT … ET. ───────────
interface PdfObject { dict: string; stream?: Buffer }

export function readPdf(pdf: Buffer) {
  const raw = pdf.toString('latin1');
  const objects = new Map<number, PdfObject>();
  const header = /(\d+) 0 obj\s*/g;
  let m: RegExpExecArray | null;
  while ((m = header.exec(raw))) {
    const start = m.index + m[0].length;
    const streamAt = raw.indexOf('stream\n', start);
    const endAt = raw.indexOf('endobj', start);
    if (streamAt !== -1 && streamAt < endAt) {
      const dict = raw.slice(start, streamAt);
      const length = Number(/\/Length (\d+)/.exec(dict)?.[1]);
      const data = pdf.subarray(streamAt + 7, streamAt + 7 + length);
      objects.set(Number(m[1]), { dict, stream: dict.includes('/FlateDecode') ? zlib.inflateSync(data) : data });
      header.lastIndex = streamAt + 7 + length;
    } else {
      objects.set(Number(m[1]), { dict: raw.slice(start, endAt) });
      header.lastIndex = endAt;
    }
  }
  const ref = (dict: string, key: string) => Number(new RegExp(`/${key} (\\d+) 0 R`).exec(dict)?.[1]);

  // Glyph code → text, for each Type0 font object.
  const cmaps = new Map<number, Map<number, string>>();
  const fonts: string[] = [];
  for (const [id, o] of objects) {
    if (!/\/Subtype \/Type0/.test(o.dict)) continue;
    fonts.push(/\/BaseFont \/(\S+)/.exec(o.dict)![1]!);
    const map = new Map<number, string>();
    const cmap = objects.get(ref(o.dict, 'ToUnicode'))!.stream!.toString('latin1');
    for (const range of cmap.matchAll(/<([0-9a-f]{4})> <[0-9a-f]{4}> \[([^\]]*)\]/g)) {
      [...range[2]!.matchAll(/<([0-9a-f ]+)>/g)].forEach((entry, i) => {
        map.set(parseInt(range[1]!, 16) + i, String.fromCharCode(...entry[1]!.split(' ').map((h) => parseInt(h, 16))));
      });
    }
    cmaps.set(id, map);
  }

  const tree = [...objects.values()].find((o) => /\/Type \/Pages/.test(o.dict))!.dict;
  const pageObjects = [.../\/Kids \[([^\]]*)\]/.exec(tree)![1]!.matchAll(/(\d+) 0 R/g)].map((x) => objects.get(Number(x[1]))!);
  const pages = pageObjects.map((p) => {
    const resources = objects.get(ref(p.dict, 'Resources'))?.dict ?? p.dict;
    const fontNames = new Map([...resources.matchAll(/\/(F\d+) (\d+) 0 R/g)].map((x) => [x[1]!, Number(x[2])]));
    const content = objects.get(ref(p.dict, 'Contents'))!.stream!.toString('latin1');
    const lines: string[] = [];
    let font: Map<number, string> | undefined;
    let line = '';
    for (const op of content.matchAll(/\/(F\d+) [\d.]+ Tf|\[((?:<[0-9a-f]*>|[-\d. ])*)\] TJ|<([0-9a-f]*)> Tj|\bET\b/g)) {
      if (op[1]) font = cmaps.get(fontNames.get(op[1])!);
      else if (op[0] === 'ET') {
        lines.push(line);
        line = '';
      } else {
        const hex = op[2] !== undefined ? [...op[2].matchAll(/<([0-9a-f]*)>/g)].map((x) => x[1]!).join('') : op[3]!;
        for (let i = 0; i + 4 <= hex.length; i += 4) line += font?.get(parseInt(hex.slice(i, i + 4), 16)) ?? '';
      }
    }
    return lines.join('\n');
  });
  const pageCount = Number(/\/Count (\d+)/.exec(tree)![1]);
  return { fonts, pageCount, pages };
}
