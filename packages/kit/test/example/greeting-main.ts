import { runService } from '../../src/index.js';
import { greetingService } from './greeting-service.js';

// Started by the acceptance test as a real process: node --import tsx --import <register> greeting-main.ts
const running = await runService({ ...greetingService, name: process.env['NIMBUS_SERVICE_NAME'] ?? greetingService.name });
process.stdout.write(`${JSON.stringify({ fixture: 'ready', url: running.url })}\n`);
