// Specs are bundled as text (esbuild's text loader).
declare module '*.unet' {
  const text: string;
  export default text;
}
