/** Thrown by {@link Queue.getNowait} when the queue holds no item. */
export class QueueEmpty extends Error {
  readonly code = 'TORNADO_ERR_QUEUE_EMPTY';

  constructor(message = 'Queue is empty', options?: ErrorOptions) {
    super(message, options);
    this.name = 'QueueEmpty';
  }
}

/** Thrown by {@link Queue.putNowait} when the queue already holds `maxsize` items. */
export class QueueFull extends Error {
  readonly code = 'TORNADO_ERR_QUEUE_FULL';

  constructor(message = 'Queue is full', options?: ErrorOptions) {
    super(message, options);
    this.name = 'QueueFull';
  }
}

/** Thrown by {@link Queue.taskDone} when called more times than items were put. */
export class TaskDoneError extends Error {
  readonly code = 'TORNADO_ERR_TASK_DONE_TOO_MANY';

  constructor(message = 'taskDone() called more times than items were put', options?: ErrorOptions) {
    super(message, options);
    this.name = 'TaskDoneError';
  }
}
