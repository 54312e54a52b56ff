"""``deskmetrics new-plugin``: a working plugin package generated from the templates beside this.

The templates are plain files with ``{{placeholder}}`` fields (``templates/common`` for every
kind, ``templates/KIND`` for one); ``.tmpl`` suffixes keep them out of linters and test runs.
"""

from deskmetrics.scaffold.generator import KINDS, PluginNames, new_plugin, plugin_names

__all__ = ["KINDS", "PluginNames", "new_plugin", "plugin_names"]
