export {
  bundleScript,
  type EsbuildBuild,
  type Instance,
  type Posted,
  post,
  type StartInstanceOptions,
  startInstance,
} from './processes.js';
export { RedisCluster } from './redis-cluster.js';
export { provideRedis } from './redis-global-setup.js';
export { findRedisServer, REDIS_SERVER_INSTALL_HINT, RedisServer } from './redis-server.js';
