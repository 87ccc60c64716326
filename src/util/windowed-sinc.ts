/**
 * The windowed-sinc low-pass that both resamplers use (the demo clip's reader and whisper's 16 kHz
 * converter): an ideal low-pass (a sinc) cut to a finite length by a window, tabled per fractional
 * position so that a sample between input samples is one dot product.
 */

/** A window over [-1, 1]: 1 at the centre, 0 at the ends and beyond. */
export type SincWindow = (x: number) => number;

/** Blackman: short kernels, about 58 dB of stop band. */
export const blackmanWindow: SincWindow = x =>
	Math.abs(x) >= 1 ? 0 : 0.42 + 0.5 * Math.cos(Math.PI * x) + 0.08 * Math.cos(2 * Math.PI * x);

/** The zeroth-order modified Bessel function of the first kind, by its power series. */
const besselI0 = (x: number): number => {
	let sum = 1;
	let term = 1;
	const quarter = (x * x) / 4;
	for (let k = 1; k < 200; k++) {
		term *= quarter / (k * k);
		sum += term;
		if (term < sum * 1e-17) {
			break;
		}
	}
	return sum;
};

/** Kaiser: `beta` trades the transition width for stop-band attenuation (see `kaiserBeta`). */
export const kaiserWindow = (beta: number): SincWindow => {
	const norm = besselI0(beta);
	return x => (Math.abs(x) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - x * x)) / norm);
};

/** Kaiser's formula for the window's beta at a stop-band attenuation. */
export const kaiserBeta = (attenuationDb: number): number =>
	attenuationDb > 50
		? 0.1102 * (attenuationDb - 8.7)
		: attenuationDb >= 21
			? 0.5842 * (attenuationDb - 21) ** 0.4 + 0.07886 * (attenuationDb - 21)
			: 0;

const sinc = (x: number): number => (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x));

export type SincTableOptions = {
	/** How many kernels: one per fractional position. */
	readonly rows: number;
	/** Row r is for the point `r / divisions` of a sample past an input sample. */
	readonly divisions: number;
	/** Weights per kernel (even): taps/2 input samples on each side of the point. */
	readonly taps: number;
	/** The pass band's edge as a fraction of the input's Nyquist frequency (1 is Nyquist). */
	readonly cutoff: number;
	readonly window: SincWindow;
};

/**
 * `rows * taps` weights; row r, tap k weighs the input sample at distance `k - taps/2 + 1 - r/divisions`
 * from the interpolation point. Each row sums to 1 (unity gain at DC), so a constant stays constant
 * and no row ripples against another.
 */
export const sincTable = ({rows, divisions, taps, cutoff, window}: SincTableOptions): Float32Array => {
	const half = taps / 2;
	const table = new Float32Array(rows * taps);
	for (let r = 0; r < rows; r++) {
		const fraction = r / divisions;
		let sum = 0;
		for (let k = 0; k < taps; k++) {
			const distance = k - half + 1 - fraction;
			const weight = cutoff * sinc(cutoff * distance) * window(distance / half);
			table[r * taps + k] = weight;
			sum += weight;
		}
		for (let k = 0; k < taps; k++) {
			table[r * taps + k] = table[r * taps + k]! / sum;
		}
	}
	return table;
};
