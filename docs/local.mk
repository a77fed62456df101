# docs: the man page of portfolio-tool (installed) and the design documents.
dist_man_MANS += docs/portfolio-tool.1
