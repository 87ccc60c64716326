import assert from 'node:assert/strict';
import type {Frames} from '../../src/util/units.js';

/** Where the sizes are: a `HeaderLayout` or a `WavInfo`. */
type Layout = {readonly dataOffset: number; readonly blockAlign: number; readonly factLengthOffset: number | undefined};

/**
 * Checks byte by byte that `header` (a file's first `dataOffset` bytes) is RF64 as EBU Tech 3306 lays it
 * out, stating `frames` frames of data followed by the pad byte of odd data: the real sizes in a `ds64`
 * chunk right after `WAVE`, 0xFFFFFFFF in every 32-bit size.
 */
export const assertRf64Header = (header: Buffer, layout: Layout, frames: Frames): void => {
	const dataBytes = frames * layout.blockAlign;
	assert.equal(header.toString('latin1', 0, 4), 'RF64');
	assert.equal(header.readUInt32LE(4), 0xff_ff_ff_ff);
	assert.equal(header.toString('latin1', 8, 12), 'WAVE');
	assert.equal(header.toString('latin1', 12, 16), 'ds64');
	assert.equal(header.readUInt32LE(16), 28);
	assert.equal(header.readBigUInt64LE(20), BigInt(layout.dataOffset - 8 + dataBytes + (dataBytes % 2)), 'ds64 RIFF size');
	assert.equal(header.readBigUInt64LE(28), BigInt(dataBytes), 'ds64 data size');
	assert.equal(header.readBigUInt64LE(36), BigInt(frames), 'ds64 sample count');
	assert.equal(header.readUInt32LE(44), 0, 'ds64 table length');
	assert.equal(header.readUInt32LE(layout.dataOffset - 4), 0xff_ff_ff_ff, 'data size');
	if (layout.factLengthOffset !== undefined) {
		assert.equal(header.readUInt32LE(layout.factLengthOffset), 0xff_ff_ff_ff, 'fact sample count');
	}
};
