// samples.json, beside the playground's pages: which bundled samples the site has. The site
// build writes it (src/app/sample-data.ts with `--sample-data`, playground/build.ts without),
// and the network page reads it (playground/network/samples.ts).

/** The EM sample's files (<stem>.png + <stem>_mask.png, in the `--data` flat layout), or null and why not. */
export interface SampleManifest {
  em: { source: string; files: string[] } | null;
  /** What the page says about the EM sample. */
  note: string;
}

export const SAMPLES_FILE = 'samples.json';

/** The manifest of a site built without a data folder. */
export const NO_EM_SAMPLE: SampleManifest = {
  em: null,
  note: 'no EM sample: this site was built without one (unet serve --out DIR --sample-data DATA adds it)',
};
