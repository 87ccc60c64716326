import {Text} from 'ink';
import type {MeterSegment} from './meter-row.js';

/** One line of styled runs, cut at the edge rather than wrapped. */
export const SegmentsText = ({segments}: {readonly segments: readonly MeterSegment[]}) => (
	<Text wrap="truncate">
		{segments.map((segment, index) => (
			// A row's runs never reorder, so their positions are their keys.
			<Text key={index} color={segment.color} bold={segment.bold}>
				{segment.text}
			</Text>
		))}
	</Text>
);
