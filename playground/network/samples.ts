// The site's bundled samples, listed in samples.json beside the page: the EM crops that
// `unet serve --out DIR --sample-data DATA` takes from a labelled data folder at build time
// (src/app/sample-data.ts), as <stem>.png + <stem>_mask.png files that pair by the `--data` rule;
// and the sample model (`--sample-run RUN`), a trained run's files.
import { SAMPLES_FILE, sampleRunSiteName, type SampleManifest } from '../../src/data/sample-manifest.ts';
import type { PathedFile } from './pairs.ts';

/** The manifest; every built site has one (playground/build.ts writes the one without a sample). */
export async function loadManifest(): Promise<SampleManifest> {
  const response = await fetch(SAMPLES_FILE);
  if (!response.ok) throw new Error(`${SAMPLES_FILE}: ${response.status} ${response.statusText}`);
  return (await response.json()) as SampleManifest;
}

/** The EM sample's files, fetched beside the page. */
export async function fetchEmFiles(em: NonNullable<SampleManifest['em']>): Promise<PathedFile[]> {
  return Promise.all(em.files.map(async (path) => {
    const response = await fetch(path);
    if (!response.ok) throw new Error(`${path}: ${response.status} ${response.statusText} (the site's EM sample is incomplete: build it again)`);
    return { path, file: await response.blob() };
  }));
}

/** The bundled sample model's files under the names a run's files have (model.json, ...), to open as a run. */
export async function fetchRunFiles(run: NonNullable<SampleManifest['run']>): Promise<File[]> {
  return Promise.all(run.files.map(async (name) => {
    const response = await fetch(sampleRunSiteName(name));
    if (!response.ok) throw new Error(`${sampleRunSiteName(name)}: ${response.status} ${response.statusText} (the site's sample model is incomplete: build it again)`);
    return new File([await response.blob()], name);
  }));
}
