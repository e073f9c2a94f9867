import { nestMatrixProject } from '../vitest.matrix.js';

export default nestMatrixProject(11, import.meta.url);
