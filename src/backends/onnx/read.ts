// Reading an .onnx file from disk: a missing file, or bytes that do not decode as an ONNX
// model (truncated, or another kind of file), are refused naming the file, instead of a raw
// ENOENT or protobuf's "invalid wire type 6 at offset 227".
import { readBinaryFile } from '../../io/read-file.ts';
import { decodeModel, type ModelProto } from './proto.ts';

export interface OnnxFile {
  bytes: Uint8Array;
  model: ModelProto;
}

export async function readOnnxFile(path: string): Promise<OnnxFile> {
  const bytes = new Uint8Array(await readBinaryFile(path, 'an ONNX file'));
  try {
    return { bytes, model: decodeModel(bytes) };
  } catch (error) {
    throw new Error(`${path}: not a readable ONNX file (truncated, or not ONNX): ${(error as Error).message}`);
  }
}
