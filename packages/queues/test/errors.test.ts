import { describe, expect, it } from 'vitest';
import * as queues from '@tornado-ts/queues';

const errors = Object.entries(queues as Record<string, unknown>).flatMap(([name, value]) =>
  typeof value === 'function' && value.prototype instanceof Error
    ? [{ name, error: new (value as new () => Error & { code: string })() }]
    : [],
);

describe('errors', () => {
  it('exports QueueEmpty, QueueFull and TaskDoneError', () => {
    expect(errors.map((e) => e.name).sort()).toEqual(['QueueEmpty', 'QueueFull', 'TaskDoneError']);
  });

  it('names each error after its class, with a message and a stable code', () => {
    for (const { name, error } of errors) {
      expect([error.name, String(error)]).toEqual([name, `${name}: ${error.message}`]);
      expect(error.message.length).toBeGreaterThan(0);
      expect(error.code).toMatch(/^TORNADO_ERR_[A-Z_]+$/);
    }
  });

  it('throws them from the nowait methods and taskDone', () => {
    const q = new queues.Queue<number>({ maxsize: 1 });
    expect(() => q.getNowait()).toThrow(queues.QueueEmpty);
    q.putNowait(1);
    expect(() => q.putNowait(2)).toThrow(expect.objectContaining({ code: 'TORNADO_ERR_QUEUE_FULL' }));
    q.getNowait();
    q.taskDone();
    expect(() => q.taskDone()).toThrow(queues.TaskDoneError);
  });
});
