// `koa2` is the dev alias of koa@2 (`npm:koa@2.16.4`); its API is the one @types/koa describes.
declare module 'koa2' {
  import Application = require('koa');
  export = Application;
}
