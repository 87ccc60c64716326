/** Where chunks are archived: a bucket and a key prefix (empty, or ending in "/"). */
export type ArchiveTarget = {readonly bucket: string; readonly prefix: string};

// S3's bucket naming rules (lower case, digits, dots, hyphens; 3 to 63 characters).
const bucketPattern = /^[a-z\d][a-z\d.-]{1,61}[a-z\d]$/;

/** Parses `s3://bucket/prefix`; throws with what a good value looks like. */
export const parseArchiveUrl = (url: string): ArchiveTarget => {
	const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url);
	if (match === null) {
		throw new Error(`the archive must be an s3:// URL like s3://my-bucket/omega13, got "${url}"`);
	}
	const [, bucket = '', rawPrefix = ''] = match;
	if (!bucketPattern.test(bucket)) {
		throw new Error(`"${bucket}" is not an S3 bucket name (3 to 63 lower-case letters, digits, "." and "-")`);
	}
	const prefix = rawPrefix.replace(/^\/+|\/+$/g, '');
	return {bucket, prefix: prefix === '' ? '' : `${prefix}/`};
};
