"""Arbetsgång: the team leader (and admin) changes the process through forms; a draft is checked as at start-up,
previewed, and published as a new version that every app server reads at once; earlier versions can be restored."""
from narvaro import ui
from narvaro.ui import process_versions

user = ui.guard("process_editor")
process_versions.render(user)
