// samples.json, beside the playground's pages: which bundled samples the site has. The site
// build writes it (src/app/sample-data.ts with `--sample-data`, playground/build.ts without),
// and the network page reads it (playground/network/samples.ts).

/** The EM sample's files (<stem>.png + <stem>_mask.png, in the `--data` flat layout), or null and why not. */
export interface SampleManifest {
  em: { source: string; files: string[] } | null;
  /** What the page says about the EM sample. */
  note: string;
  /**
   * A bundled trained run (`unet serve --out DIR --sample-run RUN`): the names a run's files
   * open under (model.json, its weights, ir.json, config.json), each in the site as
   * sample-run-<name>; absent or null: none.
   */
  run?: { name: string; files: string[] } | null;
}

/** Where a bundled run's file lies in the site. */
export const sampleRunSiteName = (name: string): string => `sample-run-${name}`;

export const SAMPLES_FILE = 'samples.json';

/** The manifest of a site built without a data folder. */
export const NO_EM_SAMPLE: SampleManifest = {
  em: null,
  note: 'no EM sample: this site was built without one (unet serve --out DIR --sample-data DATA adds it)',
  run: null,
};
