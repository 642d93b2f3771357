import { gunzipSync } from 'node:zlib';
import { seedAwardRecords } from '../support/bulk';
import { opt, startHarness, type Harness } from '../support/harness';

let h: Harness;
afterEach(() => h?.stop());

const rowsOf = (files: { name: string; text: string; bytes?: Buffer }[]) =>
  files.flatMap((f) => {
    const text = f.name.endsWith('.gz') ? gunzipSync(f.bytes!).toString('utf8') : f.text;
    return text.split('\r\n').filter(Boolean).slice(1);
  });

describe('/history export', () => {
  it('exports 50,000 records without holding up other interactions, compressed to fit Discord’s upload limit, nothing left out', async () => {
    h = await startHarness();
    await h.seedMember(h.alice);
    const members = [h.alice.id, ...Array.from({ length: 199 }, (_, i) => String(300000000000000000n + BigInt(i)))];
    await seedAwardRecords(h.storage, 50_000, { members, from: h.clock.now() });

    const exporting = h.emulator.sendCommand(h.officer, 'history', [opt.bool('export', true)]);
    // While the export is being built, another member's command is answered in Discord's time
    // (the emulator refuses a first answer later than 3 s, which would fail this test).
    await h.emulator.waitForRequest((r) => r.path === `/interactions/${exporting.id}/${exporting.token}/callback`, { timeoutMs: 10_000 });
    const info = await h.run(h.alice, 'member', 'info', []);
    expect(info.text).toContain('Rank: Sage');

    const answer = await h.emulator.answerTo(exporting, 120_000);
    expect(answer.data.content).toContain('50,000 entries for the whole guild.');
    const rows = rowsOf(answer.files as never);
    expect(rows).toHaveLength(50_000);
    expect(new Set(rows.map((r) => r.split(',')[0])).size).toBe(50_000);
    if (answer.files.length === 1 && answer.files[0].name.endsWith('.gz')) expect(answer.data.content).toContain('Compressed with gzip');
  }, 240_000);

  it('past the upload limit, compresses, then splits into parts, and says so', async () => {
    h = await startHarness();
    await seedAwardRecords(h.storage, 3_000, { members: [h.alice.id, h.bob.id], from: h.clock.now() });
    const full = await h.run(h.officer, 'history', null, [opt.bool('export', true)]);
    expect(full.files).toHaveLength(1);
    const size = Buffer.byteLength(full.files[0].text);

    h.emulator.attachmentSizeLimit = Math.floor(size / 2);
    const gzipped = await h.run(h.officer, 'history', null, [opt.bool('export', true)]);
    expect(gzipped.files.map((f) => f.name)).toEqual([expect.stringMatching(/\.csv\.gz$/)]);
    expect(gzipped.text).toContain('Compressed with gzip');
    expect(rowsOf(gzipped.files as never)).toEqual(rowsOf(full.files as never));

    h.emulator.attachmentSizeLimit = Math.floor((gzipped.files[0] as { bytes: Buffer }).bytes.length / 2);
    const split = await h.run(h.officer, 'history', null, [opt.bool('export', true)]);
    expect(split.files.length).toBeGreaterThan(1);
    expect(split.text).toContain(`split into ${split.files.length} files`);
    expect(rowsOf(split.files as never)).toEqual(rowsOf(full.files as never));
    expect(split.files.every((f) => (f as { bytes: Buffer }).bytes.length <= h.emulator.attachmentSizeLimit)).toBe(true);
  });
});
