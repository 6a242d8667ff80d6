export * from './problem.js';
export * from './catalogue.js';
export { problemHandler, sendProblem, PROBLEM_CONTENT_TYPE, type ProblemHandlerOptions } from './handler.js';
