# berth_component(NAME DEPS ...): a static library from every .cc under the
# current folder (recursively), linked to DEPS. Files are globbed so adding a
# source file needs no CMake edit.
function(berth_component name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  list(FILTER srcs EXCLUDE REGEX ".*_main\\.cc$")
  if(NOT srcs)  # a component whose sources are not written yet
    file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/empty.cc "")
    set(srcs ${CMAKE_CURRENT_BINARY_DIR}/empty.cc)
  endif()
  add_library(berth_${name} STATIC ${srcs})
  target_include_directories(berth_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(berth_${name} PUBLIC ${ARG_DEPS})
endfunction()

# berth_unit_tests(NAME DIR DEPS ...): one gtest binary from every *_test.cc
# under DIR, registered with CTest under label "unit".
function(berth_unit_tests name dir)
  cmake_parse_arguments(ARG "" "" "DEPS;LABELS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${dir}/*_test.cc)
  if(NOT srcs)
    return()
  endif()
  add_executable(${name} ${srcs})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  set(labels unit)
  if(ARG_LABELS)
    set(labels ${ARG_LABELS})
  endif()
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS "${labels}" TIMEOUT 900)
endfunction()
