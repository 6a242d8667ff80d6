import { runService } from '@nimbus/kit';
import { service } from './app.js';

await runService(service);
