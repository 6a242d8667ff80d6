import { runService } from '@nimbus/kit';
import { createService } from './app.js';

await runService(createService());
