/*
 * needsmap: maps, tables and key facts of a local needs analysis from
 * boundary files and deprivation data.  This umbrella header includes every
 * public module; each can also be included alone.
 */
#ifndef NEEDSMAP_H
#define NEEDSMAP_H

#include "needsmap/core.h"
#include "needsmap/store.h"
#include "needsmap/ingest.h"
#include "needsmap/analyse.h"
#include "needsmap/render.h"
#include "needsmap/classify.h"
#include "needsmap/report.h"
#include "needsmap/build.h"
#include "needsmap/options.h"

#endif
