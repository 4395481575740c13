import QRCode from 'qrcode';

/** The QR code of a link as an SVG document (vector, so it prints sharp at any size). */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}
