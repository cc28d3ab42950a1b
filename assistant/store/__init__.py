"""The Chroma collections that hold chunks and the record of which file versions are complete."""
