import {existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import type {Settings} from '../config/settings-schema.js';
import type {ControlHandler} from '../control/control-server.js';
import type {AudioEngine} from '../engine/audio-engine.js';
import type {Archiver, ArchiveStatus} from '../archive/archiver.js';
import type {Persister, PersistStatus} from '../persist/persister.js';
import type {ApiServer} from '../server/api-server.js';
import {isLoopbackHost} from '../server/request-guard.js';
import {captureBaseName} from '../session/session-transcript.js';
import type {Session} from '../session/session.js';
import {Keep} from '../session/keep-mode.js';
import {manifestFile, parseManifest} from '../session/session-manifest.js';
import {ensureAppDir} from '../util/app-dirs.js';
import type {ExitPath} from './exit-path.js';

/** What the services add to `status` (and /status). */
export type ServicesStatus = {
	readonly api: {readonly url: string} | undefined;
	readonly persist: PersistStatus | undefined;
	readonly archive: ArchiveStatus | undefined;
};

export type AudioServices = {
	readonly server: ApiServer | undefined;
	readonly persister: Persister | undefined;
	readonly archiver: Archiver | undefined;
	status(): ServicesStatus;
	/** A capture is settled (transcribed and encoded, or not asked to be): archived when asked for. */
	captureSettled(session: Session, index: number): void;
	/** Calls `listener` whenever persistence or the archive changes (for the TUI line). */
	subscribe(listener: () => void): () => void;
};

/** For tests: chunks of a few seconds instead of the 60 s minimum the setting allows. */
const testChunkSeconds = Number(process.env['OMEGA13_TEST_PERSIST_CHUNK_SECONDS']) || undefined;

/** Opus bitrate of persisted chunks: about 14 MB an hour. */
const persistOpusKbps = 32;

export type AudioServicesOptions = {
	readonly settings: Settings;
	/** --serve-host came from the command line (a config file cannot open the API to the network). */
	readonly serveHostFromFlag: boolean;
	readonly engine: AudioEngine;
	readonly sessionsRoot: string;
	/** The control socket's handler, shared by the API's capture routes. */
	readonly control: ControlHandler;
	/** The `status --json` object, without the services (added here). */
	readonly report: () => object;
	readonly version: string;
	readonly say: (line: string) => void;
	readonly exitPath: ExitPath;
};

/**
 * The recorder as an audio source for other programs: rolling persistence (`--persist`), the S3 archive
 * (`--archive`) and the HTTP API (`--serve`), each started only when asked for, each hung off the
 * engine through a tap or its ring reader, each registered with the exit path. Each one's modules are
 * loaded only when it is asked for: the HTTP routes (zod schemas, OpenAPI, PNG), the S3 client and the
 * encoders cost the terminal UI megabytes of memory it has no use for otherwise.
 */
export const startAudioServices = async ({settings, serveHostFromFlag, engine, sessionsRoot, control, report, version, say, exitPath}: AudioServicesOptions): Promise<AudioServices> => {
	const root = settings.persistDir;
	let archiver: Archiver | undefined;
	if (settings.archiveCaptures && settings.archive === null) {
		throw new Error('--archive-captures uploads to the --archive bucket: give --archive s3://BUCKET/PREFIX too');
	}
	if (settings.archive !== null) {
		if (settings.persist === 0 && !settings.archiveCaptures) {
			throw new Error('--archive uploads persisted chunks and, with --archive-captures, captures: turn on --persist HOURS or --archive-captures');
		}
		const [{Archiver}, {parseArchiveUrl}] = await Promise.all([import('../archive/archiver.js'), import('../archive/archive-target.js')]);
		archiver = await Archiver.start({
			target: parseArchiveUrl(settings.archive),
			...(settings.archiveEndpoint === null ? {} : {endpoint: settings.archiveEndpoint}),
			root,
			...(settings.archiveCaptures ? {sessionsRoot} : {}),
			journalPath: path.join(root, 'archive-journal.jsonl'),
			log: say,
		});
		const started = archiver;
		exitPath.add('archive uploads', async () => started.dispose());
		if (settings.archiveCaptures) {
			// Captures of sessions being archived that a quit or crash left behind go first.
			for (const dir of sessionDirs(sessionsRoot).filter(dir => started.hasSession(dir) || existsSync(path.join(dir, archiveMarker)))) {
				started.addCapture(keptFiles(captureFiles(dir), sessionKeep(dir)));
			}
		}
	}
	let persister: Persister | undefined;
	if (settings.persist > 0) {
		const archive = archiver;
		const {Persister} = await import('../persist/persister.js');
		persister = await Persister.start({
			root,
			format: settings.persistFormat,
			chunkSeconds: testChunkSeconds ?? settings.persistChunkSeconds,
			opusKbps: persistOpusKbps,
			maxAgeHours: settings.persist,
			maxBytes: settings.persistMaxMB * 1e6,
			minFreeBytes: settings.persistMinFreeMB * 1e6,
			...(archive === undefined ? {} : {mayDelete: archive.isArchived, onChunk: chunk => archive.add(chunk.path)}),
			log: say,
		});
		const started = persister;
		const untap = engine.addTap(started);
		// Before the engine's own cleanup: the chunk being written is finished, not left as a part.
		exitPath.add('persistence (finishing the chunk)', async () => {
			untap();
			await started.dispose();
		});
		// Chunks left from an earlier run that were never uploaded go first.
		for (const piece of started.storedChunks()) {
			archive?.add(piece);
		}
	}
	let server: ApiServer | undefined;
	if (settings.serve) {
		const [{ApiServer}, {apiRoutes}, {loadOrCreateToken}, {AudioHistory}, {LiveBroadcaster}] = await Promise.all([
			import('../server/api-server.js'),
			import('../server/api-routes.js'),
			import('../server/api-token.js'),
			import('../server/audio-history.js'),
			import('../server/live-stream.js'),
		]);
		const live = new LiveBroadcaster({log: say});
		const untap = engine.addTap(live);
		const token = await loadOrCreateToken(await ensureAppDir('config'));
		server = await ApiServer.listen({
			host: settings.serveHost,
			port: settings.servePort,
			allowNetwork: serveHostFromFlag,
			token,
			log: say,
			routes: apiRoutes({
				history: new AudioHistory(engine, persister),
				live,
				sessionsRoot,
				status: () => ({...report(), ...services.status()}),
				control,
				opusKbps: channels => Math.min(256, 24 * channels),
				version,
			}),
		});
		const started = server;
		exitPath.add('HTTP API', async () => {
			untap();
			live.dispose();
			await started.dispose();
		});
		if (!isLoopbackHost(settings.serveHost)) {
			say(`WARNING: the API listens on ${settings.serveHost}: anyone who can reach it and has the token can take the audio`);
		}
	}
	const services: AudioServices = {
		server,
		persister,
		archiver,
		status: () => ({api: server && {url: server.url}, persist: persister?.getSnapshot(), archive: archiver?.getSnapshot()}),
		captureSettled(session, index) {
			const record = session.getSnapshot().captures.find(capture => capture.index === index);
			if (archiver !== undefined && settings.archiveCaptures && record !== undefined) {
				markArchived(session.dir);
				archiver.addCapture(keptFiles(captureFiles(session.dir, captureBaseName(record)), session.manifest.keep));
			}
		},
		subscribe(listener) {
			const off = [persister?.subscribe(listener), archiver?.subscribe(listener)];
			return () => {
				for (const unsubscribe of off) {
					unsubscribe?.();
				}
			};
		},
	};
	return services;
};

const sessionDirs = (root: string): string[] => {
	try {
		return readdirSync(root, {withFileTypes: true}).filter(entry => entry.isDirectory()).map(entry => path.join(root, entry.name));
	} catch {
		return [];
	}
};

/**
 * Marks a session as archived from its first settled capture on, before any upload has succeeded, so
 * that captures a quit cut short go at the next start even when the server never answered this run.
 * (A dot file: never a capture file, never uploaded.)
 */
const archiveMarker = '.archived';

const markArchived = (sessionDir: string): void => {
	try {
		writeFileSync(path.join(sessionDir, archiveMarker), '', {flag: 'wx', mode: 0o600});
	} catch {
		// There already, or the directory went: the journal still knows sessions with an upload.
	}
};

/** A session's keep mode, read from its manifest (an unreadable one keeps audio, as omega13 did before). */
const sessionKeep = (dir: string): Keep | undefined => {
	const manifestPath = path.join(dir, manifestFile);
	try {
		return parseManifest(readFileSync(manifestPath, 'utf8'), manifestPath).keep;
	} catch {
		return undefined;
	}
};

/** What may leave the machine: from a session that keeps no audio, only the transcript files (a quit may have left audio). */
const keptFiles = (files: readonly string[], keep: Keep | undefined): string[] =>
	keep === Keep.transcript ? files.filter(file => /\.(txt|json)$/.test(file)) : [...files];

/**
 * A capture's files (`001.wav` or `.flac`/`.opus`, `001.txt`, `001.json`), or every capture's when no
 * base name is given; never the manifest, `transcript.md`, or a temporary file (they begin with a dot).
 */
const captureFiles = (sessionDir: string, base?: string): string[] => {
	try {
		return readdirSync(sessionDir)
			.filter(name => !name.startsWith('.') && name !== 'session.json' && name !== 'transcript.md' && (base === undefined || name.startsWith(`${base}.`)))
			.map(name => path.join(sessionDir, name));
	} catch {
		return [];
	}
};
