"""The automatic day planner: the scenario format and its reader (scenario), the engine, the
independent checker, the Solomon reader, the day taken from the database (day), the preview,
the worker's run, and the dispatcher's services, pages and task."""
