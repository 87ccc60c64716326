import type {StatusReport} from '../control/control-protocol.js';
import type {EngineSnapshot} from '../engine/engine-snapshot.js';

/** The status the control socket sends, from the engine's current snapshot. */
export const statusReport = (snapshot: EngineSnapshot, jackName: string): StatusReport => ({
	pid: process.pid,
	jackName,
	state: snapshot.source.status === 'stopped' ? 'stopped' : snapshot.capture.kind,
	source: snapshot.source,
	bufferSeconds: snapshot.bufferSeconds,
	bufferFilledSeconds: snapshot.bufferFilledSeconds,
	capture: snapshot.capture,
	lastCapture: snapshot.lastCapture,
	lastRefusal: snapshot.lastRefusal,
	lastFailure: snapshot.lastFailure,
	sessionDir: snapshot.sessionDir,
	xruns: snapshot.xruns,
	droppedFrames: snapshot.droppedFrames,
});
