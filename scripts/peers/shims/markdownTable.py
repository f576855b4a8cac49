"""A stand-in for `py-markdown-table` (not packaged by Debian), written for the peer scripts.

broadworks_ocip's code generator uses it only for its documentation pages, which the peer
scripts do not need: it writes no table.
"""


class markdownTable:
    def __init__(self, data):
        self.data = data

    def setParams(self, **kwargs):
        return self

    def getMarkdown(self):
        return ""
