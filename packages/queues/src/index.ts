export { Queue, type QueueOptions, type QueueStore } from './queue';
export { PriorityQueue, type PriorityQueueOptions } from './priority-queue';
export { LifoQueue } from './lifo-queue';
export { naturalOrder, type Compare } from './natural-order';
export { QueueEmpty, QueueFull, TaskDoneError } from './errors';
