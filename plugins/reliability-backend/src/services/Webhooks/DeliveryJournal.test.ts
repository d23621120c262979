import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DeliveryJournal } from './DeliveryJournal';

describe('DeliveryJournal', () => {
  let dir: string;
  const journals: DeliveryJournal[] = [];

  const open = async (sync = false) => {
    const journal = await DeliveryJournal.open({ directory: dir, sync });
    journals.push(journal);
    return journal;
  };

  /** `FileHandle.prototype` (not exported by node:fs), to spy on its methods. */
  const fileHandlePrototype = async () => {
    const probe = await fs.promises.open(path.join(dir, 'probe'), 'w');
    await probe.close();
    return Object.getPrototypeOf(probe);
  };

  /** Seals, then each sealed segment's sequence and text, oldest first. */
  const sealedTexts = async (journal: DeliveryJournal) =>
    Promise.all(
      (await journal.seal()).map(async segment => ({
        sequence: segment.sequence,
        text: (await journal.read(segment)).toString(),
      })),
    );

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'delivery-journal-'));
  });

  afterEach(async () => {
    await Promise.all(journals.splice(0).map(j => j.close()));
    jest.restoreAllMocks();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('should append lines to one segment until it is sealed, then start the next', async () => {
    const journal = await open();
    await journal.append('{"a":1}\n');
    await journal.append(Buffer.from('{"a":2}\n{"a":3}\n'));
    const [first, ...none] = await journal.seal();
    expect(none).toEqual([]);
    expect(first).toEqual({ name: 'segment-000000000001.jsonl', sequence: 1 });
    expect((await journal.read(first)).toString()).toBe('{"a":1}\n{"a":2}\n{"a":3}\n');

    await journal.append('{"a":4}\n');
    const sealed = await journal.seal();
    expect(sealed.map(s => s.sequence)).toEqual([1, 2]);
    expect((await journal.read(sealed[1])).toString()).toBe('{"a":4}\n');

    await journal.remove(first);
    await journal.remove(first); // already gone: ignored
    expect((await journal.seal()).map(s => s.sequence)).toEqual([2]);
  });

  it('should seal between the appends made before and after the call, in call order', async () => {
    const journal = await open();
    const before = journal.append('{"before":true}\n');
    const sealing = journal.seal();
    const after = journal.append('{"after":true}\n');
    await Promise.all([before, after]);
    const sealed = await sealing;
    expect(sealed).toHaveLength(1);
    expect((await journal.read(sealed[0])).toString()).toBe('{"before":true}\n');
    const next = await journal.seal();
    expect((await journal.read(next[1])).toString()).toBe('{"after":true}\n');
  });

  it('should treat segments of an earlier process as sealed and never append to them', async () => {
    const first = await open();
    await first.append('{"old":1}\n');
    await first.close();
    await expect(first.append('{"late":1}\n')).rejects.toThrow(/closed/);

    const second = await open();
    await second.append('{"new":1}\n');
    expect(await sealedTexts(second)).toEqual([
      { sequence: 1, text: '{"old":1}\n' },
      { sequence: 2, text: '{"new":1}\n' },
    ]);
  });

  it('should leave out a torn last line, whose append never returned', async () => {
    const journal = await open();
    fs.writeFileSync(
      path.join(dir, 'segment-000000000007.jsonl'),
      '{"complete":1}\n{"complete":2}\n{"torn":',
    );
    fs.writeFileSync(path.join(dir, 'segment-000000000008.jsonl'), '{"only torn"');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a segment');
    const sealed = await journal.seal();
    expect(sealed.map(s => s.name)).toEqual([
      'segment-000000000007.jsonl',
      'segment-000000000008.jsonl',
    ]);
    expect((await journal.read(sealed[0])).toString()).toBe('{"complete":1}\n{"complete":2}\n');
    expect((await journal.read(sealed[1])).length).toBe(0);
  });

  it('should refuse appends without a final newline and names that are not segments', async () => {
    const journal = await open();
    await expect(journal.append('{"a":1}')).rejects.toThrow(/newline/);
    await expect(journal.append('')).rejects.toThrow(/newline/);
    const outside = { name: '../segment-000000000001.jsonl', sequence: 1 };
    await expect(journal.read(outside)).rejects.toThrow(/Not a journal segment/);
    await expect(journal.remove(outside)).rejects.toThrow(/Not a journal segment/);
    await expect(
      journal.remove({ name: 'segment-000000000002.jsonl', sequence: 1 }),
    ).rejects.toThrow(/Not a journal segment/);
    expect(await journal.seal()).toEqual([]);
  });

  it('should fdatasync each append before it resolves when sync is on (the default)', async () => {
    const datasync = jest.spyOn(await fileHandlePrototype(), 'datasync');

    const unsynced = await open(false);
    await unsynced.append('{"a":1}\n');
    expect(datasync).not.toHaveBeenCalled();
    await unsynced.close();

    const synced = await DeliveryJournal.open({ directory: dir });
    journals.push(synced);
    await synced.append('{"a":2}\n');
    await synced.append('{"a":3}\n');
    expect(datasync).toHaveBeenCalledTimes(2);
  });

  it('should seal the segment after a failed write, so no line follows a partial one', async () => {
    const journal = await open();
    await journal.append('{"a":1}\n');
    jest
      .spyOn(await fileHandlePrototype(), 'write')
      .mockImplementationOnce(async () => {
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      });
    await expect(journal.append('{"a":2}\n')).rejects.toThrow(/ENOSPC/);
    await journal.append('{"a":3}\n');
    expect(await sealedTexts(journal)).toEqual([
      { sequence: 1, text: '{"a":1}\n' },
      { sequence: 2, text: '{"a":3}\n' },
    ]);
  });

  it('should set a sealed segment aside under a name it never reads again', async () => {
    const journal = await open();
    await journal.append('{"a":1}\n');
    const [segment] = await journal.seal();
    const kept = await journal.reject(segment);
    expect(kept).toBe(path.join(dir, 'rejected-segment-000000000001.jsonl'));
    expect(fs.readFileSync(kept, 'utf8')).toBe('{"a":1}\n');
    expect(await journal.seal()).toEqual([]);
    await expect(journal.reject({ name: '../x.jsonl', sequence: 1 })).rejects.toThrow(
      /Not a journal segment/,
    );
  });

  it('should fail to open where the directory cannot be created', async () => {
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, '');
    await expect(DeliveryJournal.open({ directory: path.join(file, 'journal') })).rejects.toThrow(
      /ENOTDIR|EEXIST/,
    );
  });
});
