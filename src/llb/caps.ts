/** LLB capability ids (BuildKit's solver/pb/caps.go) that this builder puts in op metadata. */
export const Caps = {
  sourceImage: "source.image",
  sourceImageResolveMode: "source.image.resolvemode",
  sourceOciLayout: "source.ocilayout",
  sourceLocal: "source.local",
  sourceLocalUnique: "source.local.unique",
  sourceLocalSessionId: "source.local.sessionid",
  sourceLocalIncludePatterns: "source.local.includepatterns",
  sourceLocalExcludePatterns: "source.local.excludepatterns",
  sourceLocalFollowPaths: "source.local.followpaths",
  sourceLocalSharedKeyHint: "source.local.sharedkeyhint",
  sourceLocalDiffer: "source.local.differ",
  execMetaBase: "exec.meta.base",
  execMetaNetwork: "exec.meta.network",
  execMetaSetsDefaultPath: "exec.meta.setsdefaultpath",
  execMountBind: "exec.mount.bind",
  execMountCache: "exec.mount.cache",
  execMountCacheSharing: "exec.mount.cache.sharing",
  execMountSelector: "exec.mount.selector",
  execMountTmpfs: "exec.mount.tmpfs",
  execMountTmpfsSize: "exec.mount.tmpfs.size",
  execMountContentCache: "exec.mount.cache.content",
  execMountSecret: "exec.mount.secret",
  execMountSsh: "exec.mount.ssh",
  fileBase: "file.base",
  constraints: "constraints",
  platform: "platform",
  metaIgnoreCache: "meta.ignorecache",
  metaDescription: "meta.description",
} as const;

/** The PATH client/llb writes into an exec's env when the daemon does not set one itself. */
export const DEFAULT_PATH_ENV_UNIX = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
