export interface Config {
  goldenpath?: {
    localPublish?: {
      /**
       * Folder under which `goldenpath:publish:local` creates one git repository per
       * published workspace. Relative paths resolve against the backend's working directory.
       * Default: `.data/local-repos`.
       */
      baseDir?: string;
    };
  };
}
