// `express4` is Express 4 installed under an alias (`npm:express@4.x`) so both majors run in one
// suite. Its runtime is Express 4; for the test code it is typed like the `express` default export.
declare module 'express4' {
  import express = require('express');
  export = express;
}
