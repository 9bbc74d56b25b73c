#!/bin/sh
# Seeds the fuzzer's corpus with every Markdown file of the repository's
# content/ and the crash inputs fixed so far. The corpus itself is not
# committed: libFuzzer grows it to thousands of files.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
corpus="$here/corpus/content_file"
mkdir -p "$corpus"
find "$here/../content" -name '*.md' | while read -r file; do
    # Name seeds by content so running this twice adds nothing.
    cp "$file" "$corpus/seed-$(sha1sum < "$file" | cut -c1-16)"
done
if [ -d "$here/regressions" ]; then
    find "$here/regressions" -type f -exec cp {} "$corpus/" \;
fi
echo "$(ls "$corpus" | wc -l) inputs in $corpus"
