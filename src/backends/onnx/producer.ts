// Who wrote an ONNX file (its producer fields and the `unet.version` metadata): the package's
// name and version, as a constant so the exporter needs no file system and runs in a page
// too (the playground's download). test/backends/onnx/producer.test.ts keeps it equal to
// package.json.
export const PRODUCER = { name: 'unet-dsl', version: '0.1.0' } as const;
