/**
 * The open-loop sender in a process of its own (bench/run.ts forks it): the bench process holds the
 * index it built and the engine figures' garbage, and a collection of that heap would stall the
 * sender and be charged to the server's latency. Options arrive as JSON in argv[2]; the result goes
 * back over IPC.
 */
import { type OpenLoopOptions, openLoop } from './http-load.js';

const options = JSON.parse(process.argv[2] ?? '{}') as OpenLoopOptions;
const result = await openLoop(options);
process.send?.(result, undefined, undefined, () => process.exit(0));
