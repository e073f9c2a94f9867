import { nestMatrixProject } from '../vitest.matrix.js';

export default nestMatrixProject(12, import.meta.url);
