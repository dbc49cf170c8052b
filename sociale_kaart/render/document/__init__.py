"""Documents as content (sections, sentences, tables, figures with alternative text) and their
typesetting through Typst into tagged PDF/UA-1.

:mod:`.model` holds the content model, :mod:`.typeset` turns a document into PDF bytes with the
template ``template.typ`` (or a gemeente's own template with the same entry points).
"""
