// Turns a decoded PNG into a PDF image XObject (DeviceRGB or DeviceGray, 8 bits, Flate) with
// an /SMask image for its alpha plane, written through the ObjectSink.

import { name, PdfDict, type ObjectSink, type PdfRef } from '../pdf/objects';
import { flateStream } from './font/embed';
import type { DecodedPng } from './png';

export function imageXObject(sink: ObjectSink, png: DecodedPng): PdfRef {
  const dict = new PdfDict({
    Type: name('XObject'),
    Subtype: name('Image'),
    Width: png.width,
    Height: png.height,
    ColorSpace: name(png.color === 'rgb' ? 'DeviceRGB' : 'DeviceGray'),
    BitsPerComponent: 8,
  });
  if (png.alpha) {
    dict.set('SMask', sink.add(flateStream(new PdfDict({
      Type: name('XObject'),
      Subtype: name('Image'),
      Width: png.width,
      Height: png.height,
      ColorSpace: name('DeviceGray'),
      BitsPerComponent: 8,
    }), png.alpha)));
  }
  return sink.add(flateStream(dict, png.pixels));
}
